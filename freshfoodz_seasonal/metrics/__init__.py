"""What the alert rules and the war-room dashboard share: metric and label names, PromQL building blocks.

Pure: no pulumi, no network, no file I/O.
"""
