"""Sync between devices and their supervisor, over bundles carried on USB sticks.

- Enrolment (`enrol`): `create_enrolment`, `read_enrolment` / `accept_enrolment` (or `join`),
  `read_request` / `approve`, `recovery_key`.
- Case bundles: `export.export_cases` on a device, `importer.import_bundle` on the supervisor
  (also imports update bundles on a device); `report.ImportReport` says what happened.
- Update bundles: `updates.export_update` (supervisor), applied by `import_bundle` on a device.
- Queues: `conflicts.open_conflicts` / `resolve_conflict`, `open_duplicates` /
  `resolve_duplicate`, `quarantined`.

Formats and rules: docs/formats.md, "Sync bundles".
"""
