"""Hand the production secrets to the services of compose.production.yaml.

Compose mounts a secret file with the owner and mode it has on the host (yours, 0600),
which the services' own users cannot read. The one-shot "secrets" service runs this
before them: it copies each named file of SOURCE into a volume that only the services
using it mount, readable there by any user (0444). A file copied on an earlier start
is replaced, so a rotated secret reaches the services on the next `up`.

    python copy_secrets.py SOURCE FOLDER=NAME,NAME... [FOLDER=NAME...]
"""

import shutil
import sys
from pathlib import Path


def copy(source: Path, target_folder: Path, names: list[str]) -> None:
    for name in names:
        target = target_folder / name
        partial = target.with_name(f".{name}.partial")
        shutil.copyfile(source / name, partial)
        partial.chmod(0o444)
        partial.replace(target)  # whole or not at all, for a service reading it


def main(arguments: list[str]) -> int:
    source, *targets = arguments
    for target in targets:
        folder, names = target.split("=", 1)
        copy(Path(source), Path(folder), names.split(","))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
