"""The static, offline, French dashboard: pure figure builders and page assembly."""
