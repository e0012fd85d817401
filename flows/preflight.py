"""Why a run cannot start (a missing SOURCE, an unwritable or busy warehouse), as one line.

The command line prints it as ``pagewash: error: ...``; a deployed flow run logs it and ends
Failed with it as its message, instead of a traceback.
"""

from __future__ import annotations

from runtime.sources import Source
from warehouse.layout import Layout
from warehouse.lock import WarehouseBusy, writer_lock


def source_problem(location: str) -> str | None:
    """Why SOURCE cannot be read (a missing folder, an unreachable object store), else None.

    A relative SOURCE is named as given and as resolved (against the working directory: a
    deployment's is its checkout), so the line says where it was looked for."""
    try:
        source = Source.at(location)
        found = source.exists()
    except Exception as err:  # any fsspec back end's error: credentials, network, bucket
        return f"cannot read SOURCE {location}: {err}"
    if found:
        return None
    where = "" if source.url in (location, location.rstrip("/")) else f" ({source.url})"
    return f"SOURCE {location}{where} is not a folder"


def writer_problem(warehouse: str) -> str | None:
    """Why this process cannot write ``warehouse`` now (another run holds it, or it is not
    writable), else None; checked before a run starts, so the user sees one line and no flow
    traceback."""
    try:
        with writer_lock(Layout.at(warehouse)):
            return None
    except WarehouseBusy as err:
        return str(err)
    except OSError as err:
        return f"cannot write the warehouse {warehouse}: {err.strerror or err}"
