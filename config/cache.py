"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

Django's RedisCacheClient builds a new redis.Redis object for every cache call, and building
one (its table of response callbacks) cost about a third of a session read on every page
(bench/load.py). A redis.Redis object is safe to share: it only borrows connections from its
pool. Keys, serialisation and pools stay Django's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
