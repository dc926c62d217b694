#!/usr/bin/python3
"""Bring back computes deleted through the Nova API in the sandbox, so delete tests can run again.

    restore-compute.py SANDBOX_DIR SEED_SCRIPT HOST [HOST ...]

The sandbox's seed alone cannot: it re-creates a service with the same stable uuid, which collides with the
soft-deleted row (ServiceTopicExists). So the soft-deleted service and compute-node rows of cell1 are
un-deleted first, and the seed then re-creates the host mapping, the aggregate membership and the placement
resource provider that Nova removed.
"""
import os
import sqlite3
import subprocess
import sys

sandbox_dir, seed, hosts = sys.argv[1], sys.argv[2], sys.argv[3:]
db = sqlite3.connect(os.path.join(sandbox_dir, 'db', 'nova_cell1.sqlite'))
for h in hosts:
    if db.execute("select 1 from services where host=? and topic='compute' and deleted=0", (h,)).fetchone():
        continue
    row = db.execute("select max(id) from services where host=? and topic='compute' and deleted!=0", (h,)).fetchone()
    if row and row[0]:
        db.execute('update services set deleted=0, deleted_at=NULL where id=?', (row[0],))
        db.execute('update compute_nodes set deleted=0, deleted_at=NULL, mapped=1 '
                   'where id=(select max(id) from compute_nodes where host=? and deleted!=0) '
                   'and not exists (select 1 from compute_nodes where host=? and deleted=0)', (h, h))
db.commit()
db.close()
sys.exit(subprocess.call(['/usr/bin/python3', seed, sandbox_dir], stdout=subprocess.DEVNULL))
