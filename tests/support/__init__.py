"""Builders and helpers that several test modules share.

A test module imports from here or from a conftest, never from another test module: the scan in
tests/unit/test_test_layout.py keeps it so.
"""
