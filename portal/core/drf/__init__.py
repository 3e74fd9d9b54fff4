"""The base pieces of the REST API: pagination, parsers, permissions, throttles, serializers and
scoped viewsets."""
