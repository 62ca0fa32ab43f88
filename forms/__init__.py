"""Unified inspection checklists (一张表格管检查): definitions, expressions, validation, XLSForm; pure."""
