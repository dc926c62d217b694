#!/usr/bin/python3
"""Save and restore the Nova sandbox's data, so a test sequence can start again from the seeded state.

    snapshot.py save    SANDBOX_DIR [NAME]   # after start.sh (+ seed): copies the API, cell1 and placement databases
    snapshot.py restore SANDBOX_DIR [NAME]   # puts every service, status, reason, forced_down, compute node, host
                                        # mapping, aggregate membership and resource provider back as saved

NAME (default test-snapshot) keeps independent snapshots apart (one test suite's saved state is not another's).

SQLite's online backup API writes into the live database files under SQLite's own locks, so the running nova-api
and placement processes need no restart (their SQLite connections see the restored pages on the next query). Nova
computes zones from the database on every listing; nothing the restore touches is cached in nova-api. The down cell's
database is included when it is reachable at save time (down-cell off); restore it with the cell off too. Takes well under a second, against ~60 s for a fresh sandbox.
"""
import os
import sqlite3
import sys

DATABASES = ('nova_api.sqlite', 'nova_cell1.sqlite', 'placement.sqlite')
# The optional second cell (SEED_DOWN_CELL=1), when it is reachable (down-cell off) at save time.
OPTIONAL = (os.path.join('celldown', 'nova_cell_down.sqlite'),)


def copy(source, target):
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ('save', 'restore'):
        sys.exit(__doc__)
    action, sandbox_dir = sys.argv[1], sys.argv[2]
    live = os.path.join(sandbox_dir, 'db')
    saved = os.path.join(sandbox_dir, sys.argv[3] if len(sys.argv) == 4 else 'test-snapshot')
    os.makedirs(saved, exist_ok=True)
    names = list(DATABASES)
    for name in OPTIONAL:
        if os.path.exists(os.path.join(live if action == 'save' else saved, name)):
            names.append(name)
            os.makedirs(os.path.dirname(os.path.join(saved, name)), exist_ok=True)
    for name in names:
        if action == 'save':
            copy(os.path.join(live, name), os.path.join(saved, name))
        elif os.path.exists(os.path.dirname(os.path.join(live, name))):
            if not os.path.exists(os.path.join(saved, name)):
                sys.exit('no snapshot of %s in %s: run "snapshot.py save" first' % (name, saved))
            copy(os.path.join(saved, name), os.path.join(live, name))


if __name__ == '__main__':
    main()
