"""Kubernetes objects a season declares, as plain manifests (camelCase, integers as integers). Pure.

The Pulumi components send these objects to the cluster; `seasonctl preview` writes them out, and
the tests check them with kubernetes-validate against the official schemas.
"""
