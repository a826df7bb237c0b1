"""The policy pack's rules as pure functions: plain resource data in, violation messages out.

`policy/__main__.py` wires them into pulumi-policy; nothing here imports Pulumi, so the rules are
tested directly and checked by mypy like the other pure packages.
"""
