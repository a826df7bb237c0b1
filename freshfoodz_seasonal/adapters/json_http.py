"""A JSON API over HTTP(S) with the standard library, as Prometheus and Grafana offer one: what both clients
share (adapters.prometheus_http, adapters.grafana_http).

Credentials come from the environment and go only into the Authorization header: they are never
part of a message, and a URL with credentials in it is refused without being repeated. TLS
certificates are verified unless the caller asks otherwise; redirects are refused rather than
followed, so credentials never travel to a host nobody named. Every answer is bounded in size and
time, and what a server says is shown only with the credentials taken out.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.visible import visible

# Prometheus's eight queries grouped by route: even 10,000 routes' buckets stay far below this. Decoding
# JSON takes about 20 times its size in memory, so the cap bounds that too.
_MAX_ANSWER_BYTES = 32 * 1024 * 1024
# How long past the deadline the body loop may take to notice it.
_DEADLINE_GRACE_S = 1.0
_READ_CHUNK = 1024 * 1024
# An excerpt of what the server said is cut only after the credentials are replaced (JsonHttpClient.shown):
# cut first, an echo split at the cut would show its first part.
_EXCERPT_BYTES = 4096
# What of an answer that is not the API's an error shows: enough to recognise a proxy's or a login page.
_EXCERPT_CHARS = 160
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# A refusal quotes at most this much: the URL, what went wrong and an excerpt of the answer.
MAX_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class Service:
    """Which service a client talks to: its name in messages, the variables its credentials come from, and
    what to say when it answers 404 or 400."""

    name: str
    token_variable: str
    username_variable: str
    password_variable: str
    example_url: str
    not_found: str
    """What a 404 means for this service, e.g. "no query API here"."""
    rejected: str
    """What a 400 means, e.g. "Prometheus rejected a query"."""

    @property
    def credential_variables(self) -> str:
        return f"{self.token_variable} or {self.username_variable}/{self.password_variable}"


class HttpUnavailable(RuntimeError):
    """The service could not be asked or did not answer usefully; the message says why and what to try."""


class CredentialsError(ValueError):
    """The credentials in the environment cannot be sent; the message names the variable, never its value."""


class CaFileError(ValueError):
    """The CA file given for the service's certificate cannot be used."""


@dataclass(frozen=True, repr=False)
class Credentials:
    """The Authorization header's value; repr never shows it."""

    header: str
    kind: str

    def __repr__(self) -> str:
        return f"Credentials(kind={self.kind!r})"

    def secrets(self) -> tuple[str, ...]:
        """Every form of the credential a server could echo back: the header, its value, and for basic
        authentication the decoded `user:password` and the password; longest first."""
        scheme, _, value = self.header.partition(" ")
        forms = {self.header, value}
        if scheme == "Basic":
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                pair = base64.b64decode(value, validate=True).decode("utf-8")
                forms |= {pair, pair.partition(":")[2]}
        return tuple(sorted((form for form in forms if len(form) >= 4), key=len, reverse=True))


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


def _credential(environment: Mapping[str, str], variable: str, *, in_header: bool) -> str:
    """The variable's value without surrounding whitespace; CredentialsError if it cannot be sent.

    A secret mounted from a file (a Kubernetes secret, `$(cat token)`) often ends in a newline,
    which is not part of it. Control characters left inside cannot be part of a header; a value
    that goes into the header as it is (the bearer token) must also be Latin-1, which is what HTTP
    header values are. The value is never part of the message: it is a secret.
    """
    value = environment.get(variable, "").strip()
    if any(_is_control(char) for char in value):
        raise CredentialsError(f"{variable} holds a control character (the value is not shown); set it without one")
    if in_header and any(ord(char) > 0xFF for char in value):
        raise CredentialsError(
            f"{variable} holds a character an HTTP header cannot carry (beyond Latin-1; the value is not shown)"
        )
    return value


def credentials_from_environment(environment: Mapping[str, str], service: Service) -> Credentials | None:
    """A bearer token, or basic auth from a user name and a password; None without either.

    Basic auth sends the pair base64-encoded as UTF-8 (RFC 7617), so any character but a control
    character is fine there; a colon in the user name would split the pair in the wrong place.
    """
    token_variable, username_variable = service.token_variable, service.username_variable
    password_variable = service.password_variable
    token = _credential(environment, token_variable, in_header=True)
    username = _credential(environment, username_variable, in_header=False)
    password = _credential(environment, password_variable, in_header=False)
    if token and (username or password):
        raise CredentialsError(f"set either {service.credential_variables}, not both")
    if token:
        return Credentials(f"Bearer {token}", "bearer token")
    if username or password:
        if not (username and password):
            raise CredentialsError(f"basic auth needs both {username_variable} and {password_variable}")
        if ":" in username:
            raise CredentialsError(f"{username_variable} holds a colon, which basic auth cannot carry")
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return Credentials(f"Basic {pair}", "basic auth")
    return None


def _url_as_shown(url: str, parts: urllib.parse.SplitResult | None) -> str:
    """The URL for a message: never when it may hold a user:password (an '@' anywhere may end one,
    however the rest parses), and without its query and fragment (`?access_token=...`)."""
    if "@" in url:
        return "the URL (not shown: it holds '@')"
    if parts is None and ("?" in url or "#" in url):
        # Not even a URL: what follows a `?` or `#` may still be a token.
        before = url.split("?", maxsplit=1)[0].split("#", maxsplit=1)[0]
        return f"{visible(repr(before), 200)} (what follows its ? or # not shown)"
    if parts is not None and (parts.query or parts.fragment):
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        return f"{visible(repr(base), 200)} (its ?query and #fragment not shown)"
    return visible(repr(url), 200)


def check_base_url(url: str, service: Service) -> str:
    """`url` without a trailing slash if it is an http(s) URL without credentials; ValueError otherwise.

    Credentials are looked for first and a URL that may hold them is never repeated in a message:
    `ftp://ops:secret@host` is refused for its credentials, not echoed for its scheme.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as error:  # an unbalanced [ in the host, for example
        parts = None
        problem = error
    shown = _url_as_shown(url, parts)
    if parts is None:
        raise ValueError(f"{shown} is not a URL ({problem})") from None
    if "@" in parts.netloc:
        raise ValueError(
            f"the URL holds credentials (user:password@, not shown); put them in {service.credential_variables}"
        )
    if any(char.isspace() or _is_control(char) for char in url):
        raise ValueError(f"{shown} holds white space or a control character")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{shown} is not an http:// or https:// URL, e.g. {service.example_url}")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(f"{shown}: the port must be a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise ValueError(f"{shown}: give the base URL without ?query or #fragment")
    return url.rstrip("/")


class _Redirected(Exception):
    """A redirect refused; the client turns it into its service's HttpUnavailable."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise _Redirected(f"{req.full_url} redirects (HTTP {code}) to {newurl}; give that URL instead")


class JsonHttpClient:
    """A client of one service's JSON API; subclasses name the service and its endpoints."""

    service: Service
    unavailable: type[HttpUnavailable] = HttpUnavailable

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None = None,
        timeout_s: float = 30.0,
        ca_file: str | None = None,
        verify_tls: bool = True,
    ) -> None:
        self.base_url = check_base_url(base_url, self.service)
        self._credentials = credentials
        self.timeout_s = timeout_s
        try:
            context = ssl.create_default_context(cafile=ca_file)
        except (ssl.SSLError, OSError) as error:
            reason = getattr(error, "reason", None) or error.strerror or error
            raise CaFileError(f"{ca_file} is not a CA bundle in PEM format that can be read ({reason})") from None
        if not verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _RefuseRedirects())

    @property
    def sends_credentials_in_clear(self) -> bool:
        """Whether credentials go over an unencrypted connection (http://), where anyone on the way can read them."""
        return self._credentials is not None and urllib.parse.urlsplit(self.base_url).scheme == "http"

    def _asked(self, method: str, path: str, **request: Any) -> tuple[int, Any]:
        """`_request` within the deadline, its message shown without the credentials."""
        try:
            answer: tuple[int, Any] = self._within_deadline(lambda: self._request(method, path, **request), path)
            return answer
        except HttpUnavailable as error:
            raise self.unavailable(self.shown(str(error))) from None

    def _within_deadline(self, ask: Any, path: str) -> Any:
        """`ask()` on a thread of its own, given up on at the deadline: the reads' own timeouts and the
        body's deadline cannot stop a server that sends its status line and headers a byte at a time.
        The thread ends by itself within one read's timeout; nothing waits for it."""
        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                outcome.append((True, ask()))
            except Exception as error:  # handed to the caller's thread as it is
                outcome.append((False, error))

        worker = threading.Thread(target=run, name=f"{self.service.name.lower()}-request", daemon=True)
        worker.start()
        worker.join(self.timeout_s + _DEADLINE_GRACE_S)
        if not outcome:
            raise self.unavailable(f"{self.base_url}{path}: no whole answer within {self.timeout_s:g} s (--timeout)")
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    def shown(self, text: str) -> str:
        """`text` from or about the server as it may be shown: the credentials replaced (before anything is
        cut, so no part of one survives), control characters escaped, at most MAX_MESSAGE_CHARS."""
        for secret in self._secrets():
            text = text.replace(secret, "[credential]")
        return visible(text, MAX_MESSAGE_CHARS)

    def _secrets(self) -> tuple[str, ...]:
        return self._credentials.secrets() if self._credentials else ()

    def _scrubbed(self, answer: Any) -> Any:
        """The decoded answer without the credentials in any string, key or value: an echo in a label value
        or an error string never reaches a table, however the server escaped it in its JSON. Walked without
        recursion: the answer may be nested as deep as the decoder allows."""
        secrets = self._secrets()
        if not secrets:
            return answer

        def clean(text: str) -> str:
            for secret in secrets:
                text = text.replace(secret, "[credential]")
            return text

        root = [answer]
        pending: list[Any] = [root]
        while pending:
            container = pending.pop()
            if isinstance(container, dict):
                items = list(container.items())
                container.clear()
                container.update({(clean(k) if isinstance(k, str) else k): v for k, v in items})
                keys: list[Any] = list(container)
            else:
                keys = list(range(len(container)))
            for key in keys:
                item = container[key]
                if isinstance(item, str):
                    container[key] = clean(item)
                elif isinstance(item, dict | list):
                    pending.append(item)
        return root[0]

    def _request(
        self,
        method: str,
        path: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        query: Mapping[str, str] | None = None,
        answered: frozenset[int] = frozenset(),
    ) -> tuple[int, Any]:
        """The status and decoded JSON answer of one request; `answered`: error statuses whose body is an
        answer (Grafana's receiver test answers 400 and 408 with its results), not a failure."""
        request = self._prepared(method, path, form, json_body, query)
        url = request.full_url
        # The socket's timeout bounds each read; the deadline bounds the whole answer, so a server that
        # sends a byte at a time cannot hold the request (and the command) for ever.
        deadline = time.monotonic() + self.timeout_s
        try:
            try:
                with self._opener.open(request, timeout=self.timeout_s) as response:
                    status, raw = response.status, self._whole(response, deadline, url)
            except urllib.error.HTTPError as error:
                if error.code not in answered:
                    raise
                status, raw = error.code, self._whole(error, deadline, url)
        except _Redirected as error:
            raise HttpUnavailable(str(error)) from None
        except urllib.error.HTTPError as error:
            raise HttpUnavailable(_http_error_message(url, error, self.service)) from None
        except urllib.error.URLError as error:
            raise HttpUnavailable(_connection_message(url, error.reason, self.timeout_s, self.service)) from None
        except TimeoutError:
            raise HttpUnavailable(f"{url}: no answer within {self.timeout_s:g} s (--timeout)") from None
        except OSError as error:
            raise HttpUnavailable(f"{url}: the connection failed: {error}") from None
        except http.client.HTTPException as error:
            raise HttpUnavailable(_protocol_message(url, error, self.service)) from None
        except ValueError:
            # http.client refuses a header it cannot send with a ValueError that quotes the header,
            # credentials included: the message must not repeat it.
            raise HttpUnavailable(
                f"{url}: the request could not be sent (a header or the URL holds characters HTTP cannot carry)"
            ) from None
        if len(raw) > _MAX_ANSWER_BYTES:
            raise HttpUnavailable(f"{url}: the answer is larger than {_MAX_ANSWER_BYTES >> 20} MiB")
        return status, self._scrubbed(_decode(url, raw, self.service))

    def _prepared(
        self,
        method: str,
        path: str,
        form: Mapping[str, str] | None,
        json_body: Any,
        query: Mapping[str, str] | None,
    ) -> urllib.request.Request:
        url = f"{self.base_url}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        body, content_type = None, None
        if form is not None:
            body, content_type = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - scheme checked
        if content_type is not None:
            request.add_header("Content-Type", content_type)
        request.add_header("Accept", "application/json")
        if self._credentials is not None:
            request.add_unredirected_header("Authorization", self._credentials.header)
        return request

    def _whole(self, response: Any, deadline: float, url: str) -> bytes:
        """The body, whole: a peer that closed early is an incomplete read, not a short answer."""
        raw = self._read_until(response, deadline, url)
        missing = getattr(response, "length", None)
        if missing and len(raw) <= _MAX_ANSWER_BYTES:
            # read1 returns nothing when the peer closed early; only the declared length tells.
            raise http.client.IncompleteRead(raw, missing)
        return raw

    def _read_until(self, response: Any, deadline: float, url: str) -> bytes:
        """The answer's body, at most one byte over the size cap, read before `deadline` (monotonic)."""
        chunks: list[bytes] = []
        size = 0
        while size <= _MAX_ANSWER_BYTES:
            if time.monotonic() > deadline:
                raise HttpUnavailable(
                    f"{url}: the answer did not finish within {self.timeout_s:g} s (--timeout); {size} bytes came"
                )
            chunk = response.read1(min(_READ_CHUNK, _MAX_ANSWER_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)


def _decode(url: str, raw: bytes, service: Service) -> Any:
    try:
        return json.loads(raw)
    except RecursionError:
        # Python's decoder gives up on nesting deeper than its recursion limit; no API here nests so.
        raise HttpUnavailable(f"{url}: the answer is JSON nested too deeply to be {service.name}'s") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        shown = _excerpt(raw)
        raise HttpUnavailable(f"{url}: the answer is not JSON; is this {service.name}? It was: {shown}") from None


def _excerpt(raw: bytes) -> str:
    """An answer that is not the API's, shortly: an HTML page by its title, other text by its first words."""
    text = raw[:_EXCERPT_BYTES].decode("utf-8", "replace")
    if text.lstrip().startswith("<"):
        title = _TITLE.search(text)
        named = " ".join(title.group(1).split())[:_EXCERPT_CHARS] if title else ""
        return f"an HTML page titled {named!r}" if named else "an HTML page"
    # Cut between words, never inside one: a credential the server echoed is shown whole (and replaced) or not
    # at all, never as a prefix the replacement cannot recognise.
    shown: list[str] = []
    words = text.split()
    for word in words:
        if len(" ".join([*shown, word])) > _EXCERPT_CHARS:
            break
        shown.append(word)
    return " ".join(shown) + (" ..." if len(shown) < len(words) else "")


def _protocol_message(url: str, error: http.client.HTTPException, service: Service) -> str:
    """Why an answer was not HTTP: another service on that port (SSH, a database), or a cut-off answer."""
    if isinstance(error, http.client.IncompleteRead):
        return (
            f"{url}: the answer ended early, after {len(error.partial)} bytes: the connection was closed mid-answer "
            "(by the server or a proxy); try again"
        )
    if isinstance(error, http.client.BadStatusLine):
        # http.client sets `line` on every BadStatusLine; typeshed's stub leaves the attribute out.
        began = str(error.line)[:80]  # type: ignore[attr-defined]  # typeshed leaves out BadStatusLine.line
        return f"{url}: the server does not speak HTTP (it began {began!r}); is this {service.name}'s port?"
    return f"{url}: not a valid HTTP answer ({type(error).__name__}); is this {service.name}'s port?"


def _http_error_message(url: str, error: urllib.error.HTTPError, service: Service) -> str:
    code = error.code
    try:
        raw = error.read(64 * 1024)
    except (OSError, http.client.HTTPException):
        raw = b""
    try:
        answer = json.loads(raw)
        # Prometheus says errorType and error; Grafana says message.
        detail = (
            f"{answer.get('errorType', 'error')}: {answer.get('error', '')}"
            if "error" in answer or "errorType" in answer
            else str(answer.get("message", _excerpt(raw)))
        )
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, RecursionError):
        detail = _excerpt(raw) if raw.strip() else error.reason
    if code in {401, 403}:
        return f"{url}: HTTP {code}, access denied (check {service.credential_variables})"
    if code == 404:
        return f"{url}: HTTP 404, {service.not_found}; give {service.name}'s base URL, e.g. {service.example_url}"
    if code in {400, 422}:
        return f"{url}: HTTP {code}, {service.rejected}: {detail}"
    if code == 503 and "timeout" in detail:
        return f"{url}: HTTP 503, the query timed out on the server: {detail}"
    return f"{url}: HTTP {code}: {detail}"


def _connection_message(url: str, reason: object, timeout_s: float, service: Service) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"{url}: the TLS certificate is not trusted ({reason.verify_message}); give the CA with --ca-file"
    if isinstance(reason, ssl.SSLError):
        return f"{url}: TLS failed: {reason}"
    if isinstance(reason, TimeoutError):
        return f"{url}: no answer within {timeout_s:g} s (--timeout)"
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: connection refused; is {service.name} running there?"
    if isinstance(reason, socket.gaierror):
        return f"{url}: the host name does not resolve ({reason.strerror})"
    return f"{url}: cannot connect: {reason}"
