#!/usr/bin/python3
"""Add to the Nova sandbox what a large multi-cell cloud has and the lab does not (issue 17), in one SQLite
transaction per database, by cloning the seed's own rows (made through Nova's objects) so every column is as Nova
writes it:

    cells.py SANDBOX_DIR

- 1,046 computes scale-0001 ... scale-1046 in cell1 (service, compute node, host mapping), so os-hypervisors has
  more than one page (limit 1,000); scale-0003 and scale-0007 have no host mapping, so Nova drops their nodes from
  the first page: it has 998 items and no next link. scale-1046 (on the second page) is the source of a running
  live migration: DELETE answers 409.
- 1,042 migrations: 1,040 confirmed ones (one hidden, so the first os-migrations page has 999 items and no next
  link), a running one from scale-1046, and the oldest, a running one from scale-0100, on the second page.
- compute-unmapped in cell1: service and compute node but no host mapping (discover_hosts never ran), source of a
  running live migration: os-hypervisors hides its node, DELETE answers 409.
- compute-twin in cell1 (mapped, empty, with a placement resource provider: DELETE answers 204) and in cell-down
  (service, node, instance vm-twin: DELETE answers 409). Needs the down cell reachable (down-cell off).

Run it on the seeded sandbox (SEED_DOWN_CELL=1 SEED_EDGE_CASES=1) once; snapshot.py restores the state before it.
Prints KEY=VALUE lines (uuids) for the tests.
"""
import datetime
import json
import os
import sqlite3
import sys
import urllib.request
import uuid as uuidlib

NS = uuidlib.UUID('7a3a52f0-3d0e-4c56-9f5e-6e6f76612d73')
SCALE_HOSTS = 1046
FILLER_MIGRATIONS = 1040


def stable_uuid(kind, name):
    return str(uuidlib.uuid5(NS, 'cells:%s:%s' % (kind, name)))


def columns(db, table):
    return [r[1] for r in db.execute('PRAGMA table_info(%s)' % table)]


def clone(db, table, where, args, changes, target=None):
    """Copies the rows of `table` matching `where` into `target` (default: the same db) with `changes` applied;
    the integer primary key is left for SQLite to assign. Returns the new rows' ids."""
    target = target or db
    cols = columns(db, table)
    rows = db.execute('SELECT %s FROM %s WHERE %s' % (', '.join(cols), table, where), args).fetchall()
    ids = []
    for row in rows:
        values = dict(zip(cols, row))
        values.pop('id', None)
        values.update(changes)
        keys = list(values)
        cur = target.execute('INSERT INTO %s (%s) VALUES (%s)' % (table, ', '.join(keys), ', '.join('?' * len(keys))),
                             [values[k] for k in keys])
        ids.append(cur.lastrowid)
    return ids


def placement_rp(endpoint, name, rp_uuid):
    body = json.dumps({'name': name, 'uuid': rp_uuid}).encode()
    req = urllib.request.Request(endpoint.rstrip('/') + '/resource_providers', data=body, method='POST')
    for k, v in (('X-Auth-Token', 'admin:admin'), ('OpenStack-API-Version', 'placement 1.20'),
                 ('Content-Type', 'application/json'), ('Accept', 'application/json')):
        req.add_header(k, v)
    try:
        urllib.request.urlopen(req, timeout=30).read()
    except urllib.error.HTTPError as e:
        if e.code != 409:   # already there
            raise


def main():
    sandbox = sys.argv[1]
    dbdir = os.path.join(sandbox, 'db')
    if not os.path.isdir(os.path.join(dbdir, 'celldown')):
        sys.exit('the down cell must be reachable (down-cell off) and seeded (SEED_DOWN_CELL=1)')
    api = sqlite3.connect(os.path.join(dbdir, 'nova_api.sqlite'), timeout=30)
    cell1 = sqlite3.connect(os.path.join(dbdir, 'nova_cell1.sqlite'), timeout=30)
    down = sqlite3.connect(os.path.join(dbdir, 'celldown', 'nova_cell_down.sqlite'), timeout=30)
    if cell1.execute("SELECT 1 FROM services WHERE host='scale-0001' AND deleted=0").fetchone():
        # Already there (an interrupted run): the uuids are stable.
        for key, name in (('PAGED_MIGRATION', 'scale-0100'), ('PAGED_NODE_MIGRATION', 'scale-last'), ('UNMAPPED_MIGRATION', 'unmapped')):
            print('%s=%s' % (key, stable_uuid('migration', name)))
        print('TWIN_INSTANCE=%s' % stable_uuid('instance', 'vm-twin'))
        return
    cell_ids = dict(api.execute('SELECT name, id FROM cell_mappings'))
    now = datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S.%f')   # as Nova's objects write it: paging compares strings
    tpl_host = 'compute-free-02'
    tpl_instance = cell1.execute("SELECT uuid FROM instances WHERE display_name='vm-busy1-b'").fetchone()[0]
    busy_instance = cell1.execute("SELECT uuid FROM instances WHERE display_name='vm-busy1-a'").fetchone()[0]
    tpl_migration = cell1.execute("SELECT id FROM migrations WHERE status='running' ORDER BY id LIMIT 1").fetchone()[0]

    def add_compute(db, host, mapped_cell=None, node=None):
        node = node or host
        sid = clone(cell1, 'services', "host=? AND binary='nova-compute' AND deleted=0", (tpl_host,),
                    {'host': host, 'uuid': stable_uuid('service', host + '@' + str(mapped_cell or 'x') + str(id(db))),
                     'disabled': 0, 'disabled_reason': None, 'last_seen_up': now, 'updated_at': now}, target=db)[0]
        node_uuid = stable_uuid('node', host + '/' + node + str(id(db)))
        clone(cell1, 'compute_nodes', 'host=? AND deleted=0', (tpl_host,),
              {'host': host, 'hypervisor_hostname': node, 'uuid': node_uuid, 'service_id': sid}, target=db)
        if mapped_cell:
            api.execute('INSERT INTO host_mappings (created_at, cell_id, host) VALUES (?, ?, ?)', (now, cell_ids[mapped_cell], host))
        return node_uuid

    def add_migration(src, dst, status, created, hidden=0, name=None):
        muuid = stable_uuid('migration', name or '%s-%s-%s' % (src, dst, created))
        clone(cell1, 'migrations', 'id=?', (tpl_migration,),
              {'uuid': muuid, 'source_compute': src, 'source_node': src, 'dest_compute': dst, 'dest_node': dst,
               'status': status, 'migration_type': 'live-migration', 'hidden': hidden, 'instance_uuid': busy_instance,
               'created_at': created, 'updated_at': created})
        return muuid

    hidden_on_first_page = ('scale-0003', 'scale-0007')
    for i in range(1, SCALE_HOSTS + 1):
        host = 'scale-%04d' % i
        add_compute(cell1, host, None if host in hidden_on_first_page else 'cell1')
    # The oldest migration is the last one os-migrations lists (created_at desc): on its second page.
    out = {'PAGED_MIGRATION': add_migration('scale-0100', 'compute-busy-01', 'running', '2000-01-01 00:00:00.000000', name='scale-0100')}
    for i in range(FILLER_MIGRATIONS):
        add_migration('scale-%04d' % (i % 500 + 501), 'scale-%04d' % (i % 500 + 1), 'confirmed', now,
                      hidden=1 if i == FILLER_MIGRATIONS - 1 else 0, name='filler-%d' % i)
    out['PAGED_NODE_MIGRATION'] = add_migration('scale-%04d' % SCALE_HOSTS, 'compute-busy-01', 'running', now, name='scale-last')

    add_compute(cell1, 'compute-unmapped')
    out['UNMAPPED_MIGRATION'] = add_migration('compute-unmapped', 'compute-busy-01', 'running', now, name='unmapped')

    twin_node = add_compute(cell1, 'compute-twin', 'cell1')
    add_compute(down, 'compute-twin')
    twin_instance = stable_uuid('instance', 'vm-twin')
    for table, key in (('instances', 'uuid'), ('instance_info_caches', 'instance_uuid'), ('instance_extra', 'instance_uuid')):
        changes = {key: twin_instance}
        if table == 'instances':
            changes.update({'display_name': 'vm-twin', 'hostname': 'vm-twin', 'host': 'compute-twin', 'node': 'compute-twin',
                            'launched_on': 'compute-twin'})
        clone(cell1, table, key + '=?', (tpl_instance,), changes, target=down)
    clone(api, 'instance_mappings', 'instance_uuid=?', (tpl_instance,), {'instance_uuid': twin_instance, 'cell_id': cell_ids['cell-down']})
    out['TWIN_INSTANCE'] = twin_instance

    for db in (cell1, down, api):
        db.commit()
    conf = open(os.path.join(sandbox, 'etc', 'nova', 'nova.conf')).read()
    placement = next((l.split('=', 1)[1].strip() for l in conf.split('[placement]', 1)[1].splitlines() if l.strip().startswith('endpoint')), None)
    placement_rp(placement, 'compute-twin', twin_node)
    for k, v in out.items():
        print('%s=%s' % (k, v))


if __name__ == '__main__':
    main()
