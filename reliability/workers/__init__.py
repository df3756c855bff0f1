"""Child processes of the kill loops: each is started, does its work, and is killed with SIGKILL.

Protocol (stdout, one line each, flushed at once): `ready` once the vault is unlocked, then
`begin ...` before and `ack ...` after every operation. The parent knows from the last `begin`
without its `ack` which operation a kill interrupted.
"""
