"""Which site a file belongs to, from where it sits under the source folder.

Rule: the first folder under SOURCE for files in subfolders, and the name of SOURCE itself
for files directly in it.

>>> site_for("example.org/2024/storm.txt", "inbox"), site_for("storm.txt", "inbox")
('example.org', 'inbox')
"""

from __future__ import annotations

from pathlib import PurePosixPath


def site_for(relative_path: str, source_name: str) -> str:
    """The site of a file given its path relative to SOURCE (POSIX separators)."""
    parts = PurePosixPath(relative_path).parts
    return parts[0] if len(parts) > 1 else source_name
