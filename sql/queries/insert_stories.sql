-- New, empty stories (execute_values of (kind)); refresh_stories fills them from their members.
INSERT INTO stories (kind) VALUES %s
RETURNING id, kind;
