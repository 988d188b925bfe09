-- Register or refresh a source from the registry.
INSERT INTO sources (key, name, home_url, time_zone, language, config)
VALUES (%(key)s, %(name)s, %(home_url)s, %(time_zone)s, %(language)s, %(config)s)
ON CONFLICT (key) DO UPDATE
SET name = EXCLUDED.name, home_url = EXCLUDED.home_url, time_zone = EXCLUDED.time_zone,
    language = EXCLUDED.language, config = EXCLUDED.config, updated_at = now();
