#!/usr/bin/env python3
"""manpage.py — write storage-scanner(1) from docs/storage-scanner.1.in and the binary's --help.

    manpage.py BINARY TEMPLATE OUTPUT VERSION DATE

The template holds the prose (description, exit status, environment, files, examples); the
COMMANDS section is generated from `BINARY --help` and `BINARY COMMAND --help` for every
subcommand the top-level help lists, so every option anyone adds is in the man page the next
time the project builds, with the text its --help gives. CLI11's help layout is:

    Description
    Usage: storage-scanner scan [OPTIONS]

    Options:
      -p,--path PATH REQUIRED     Description
      --rows-per-chunk N:INT ...  (a long flag column pushes the description to the next line)
                                  Description

    Subcommands:
      scan                        Description

    footer text, kept as preformatted text
"""
import re
import subprocess
import sys


def roff_escape(text: str) -> str:
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def run_help(binary: str, *args: str) -> str:
    proc = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"manpage.py: '{binary} {' '.join(args)} --help' exited {proc.returncode}: "
                 f"{proc.stderr.strip()}")
    return proc.stdout


def parse_help(text: str) -> dict:
    """{'description', 'usage', 'options': [(flags, text)], 'subcommands': [(name, text)],
    'footer': [lines]}"""
    doc = {"description": "", "usage": "", "options": [], "subcommands": [], "footer": []}
    section = None
    for line in text.splitlines():
        if line.startswith("Usage: "):
            doc["usage"] = line[len("Usage: "):]
            section = "after-usage"
        elif section is None and line.strip():
            doc["description"] += (" " if doc["description"] else "") + line.strip()
        elif line in ("Options:", "Subcommands:"):
            section = "options" if line == "Options:" else "subcommands"
        elif section in ("options", "subcommands") and line.startswith("  ") and \
                not line.startswith("   "):
            flags, _, rest = line[2:].partition("  ")
            doc[section].append([flags.strip(), rest.strip()])
        elif section in ("options", "subcommands") and line.startswith("   ") and doc[section]:
            entry = doc[section][-1]
            entry[1] = (entry[1] + " " + line.strip()).strip()
        elif section in ("options", "subcommands") and not line.strip():
            section = "footer-gap"
        elif section in ("footer-gap", "footer") and (line.strip() or section == "footer"):
            section = "footer"
            doc["footer"].append(line)
    while doc["footer"] and not doc["footer"][-1].strip():
        doc["footer"].pop()
    return doc


def option_item(flags: str, text: str) -> list:
    # "-p,--path PATH REQUIRED": the names in bold, the value and its constraints in italics.
    names, _, value = flags.partition(" ")
    head = ", ".join(f"\\fB{roff_escape(n)}\\fR" for n in names.split(","))
    if value:
        head += f" \\fI{roff_escape(value)}\\fR"
    return [".TP", head, roff_escape(text) if text else ""]


def command_section(binary: str, program: str, command: str | None) -> list:
    doc = parse_help(run_help(binary, *([command] if command else [])))
    title = f"{program} {command}" if command else program
    out = [f'.SS "{roff_escape(title)}"', roff_escape(doc["description"]), ".PP",
           f"\\fBUsage:\\fR {roff_escape(doc['usage'])}"]
    for flags, text in doc["options"]:
        out += option_item(flags, text)
    if doc["footer"]:
        out += [".PP", ".nf"] + [roff_escape(line) for line in doc["footer"]] + [".fi"]
    return out


def main() -> None:
    binary, template, output, version, date = sys.argv[1:6]
    program = "storage-scanner"
    top = parse_help(run_help(binary))
    lines = command_section(binary, program, None)
    for name, _ in top["subcommands"]:
        lines += command_section(binary, program, name)
    text = open(template, encoding="utf-8").read()
    for key, value in {"@VERSION@": version, "@DATE@": date,
                       "@COMMANDS@": "\n".join(lines)}.items():
        text = text.replace(key, value)
    if re.search(r"@[A-Z]+@", text):
        sys.exit(f"manpage.py: unreplaced placeholder in {template}")
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
