SELECT count(*) AS stories, count(*) FILTER (WHERE source_count >= 2) AS multi_source_stories
FROM stories WHERE kind = 'event';
