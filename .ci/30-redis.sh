# Redis for the shared rate-limit tests: each test starts its own throwaway
# redis-server on a unix socket (tests/conftest.py), so nothing runs here.
need_pkg redis-server redis-server
