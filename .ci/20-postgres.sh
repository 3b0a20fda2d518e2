# PostgreSQL for the question-log tests: each test session makes its own
# throwaway cluster with initdb/pg_ctl (tests/pgserver.py), so nothing is
# started here. Debian keeps initdb off PATH, under /usr/lib/postgresql/N/bin.
pg_initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)
need_pkg "${pg_initdb:-initdb}" postgresql
