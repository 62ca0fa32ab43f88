"""What `choucha forms import|export|validate` does, as plain functions the backend CLI calls.

    definition = import_xlsform("form.xlsx")          # raises InvalidDefinition (errors name sheet/row/column)
    export_xlsform(definition, "form.xlsx")           # raises InvalidDefinition for an invalid definition
    errors = validate_directory("forms/definitions")  # [] when every definition is valid

`add_arguments(parser)` and `run(args)` give the whole subcommand (argparse) to mount under `choucha forms`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from forms.definition import definition_errors
from forms.errors import FormError, InvalidDefinition
from forms.library import DEFINITIONS_DIR, definition_file_name, find_definition, load_definition
from forms.xlsform import read_xlsform
from forms.xlsform_export import write_xlsform


def import_xlsform(path: str | Path) -> dict:
    """The checked definition dict of an XLSForm file; raises InvalidDefinition listing every error."""
    return read_xlsform(path)


def export_xlsform(definition: dict, path: str | Path) -> None:
    """Write a valid definition to `path` as XLSForm; raises InvalidDefinition when it is not valid."""
    write_xlsform(definition, path)


def validate_directory(path: str | Path) -> list[FormError]:
    """Every error of every `*.json` definition in the directory (paths `file.json#sections[0]…`), plus
    file names that do not match `<id>.v<version>.json` and (id, version) pairs defined twice."""
    directory = Path(path)
    if not directory.is_dir():
        return [FormError(str(directory), "not_a_directory", "目录不存在", "no such directory")]
    errors, seen = [], {}
    for file in sorted(directory.glob("*.json")):
        try:
            data = load_definition(file)
        except InvalidDefinition as exc:
            errors += exc.errors
            continue
        found = definition_errors(data)
        errors += [error.at(file.name) for error in found]
        if found:
            continue
        key = (data["id"], data["version"])
        if key in seen:
            errors.append(FormError(file.name, "duplicate_version", f"{key[0]} 第{key[1]}版已在 {seen[key]} 中定义",
                                    f"{key[0]} version {key[1]} is already defined in {seen[key]}"))
        seen[key] = file.name
        if file.name != definition_file_name(data):
            errors.append(FormError(file.name, "file_name", f"文件名应为 {definition_file_name(data)}",
                                    f"the file should be named {definition_file_name(data)}"))
    return errors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `forms` subcommands: import FILE.xlsx [-o OUT.json], export ID|FILE.json -o FILE.xlsx, validate DIR."""
    commands = parser.add_subparsers(dest="forms_command", required=True)
    imported = commands.add_parser("import", help="XLSForm → definition JSON")
    imported.add_argument("file")
    imported.add_argument("-o", "--output", help="write the JSON here instead of stdout")
    exported = commands.add_parser("export", help="definition → XLSForm")
    exported.add_argument("form", help="a form id (newest version), id@version, or a definition JSON file")
    exported.add_argument("-o", "--output", required=True)
    checked = commands.add_parser("validate", help="check every definition in a directory")
    checked.add_argument("directory", nargs="?", default=str(DEFINITIONS_DIR))


def print_errors(errors: list[FormError]) -> None:
    """One line per error on stderr: path, code, both messages."""
    for error in errors:
        print(f"{error.path}: [{error.code}] {error.zh} / {error.en}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run a parsed `forms` subcommand; the exit status (0 done, 1 refused with errors on stderr, 2 not found)."""
    try:
        if args.forms_command == "import":
            text = json.dumps(import_xlsform(args.file), ensure_ascii=False, indent=1) + "\n"
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        if args.forms_command == "export":
            export_xlsform(_definition_for(args.form), args.output)
            return 0
        errors = validate_directory(args.directory)
        print_errors(errors)
        return 1 if errors else 0
    except InvalidDefinition as exc:
        print_errors(exc.errors)
        return 1
    except KeyError as exc:
        print(f"没有这个表单 / no such form: {exc.args[0]}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"无法写入 / cannot write: {exc}", file=sys.stderr)
        return 1


def _definition_for(reference: str) -> dict:
    """A definition from a JSON file path, `id@version`, or an id (newest version in the library)."""
    if reference.endswith(".json") and Path(reference).is_file():
        return load_definition(reference)
    form_id, _, version = reference.partition("@")
    return find_definition(form_id, int(version) if version.isdigit() else None)


def main(argv: list[str] | None = None) -> int:
    """`python -m forms.cli …`: the same subcommands without the backend."""
    parser = argparse.ArgumentParser(prog="choucha forms")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
