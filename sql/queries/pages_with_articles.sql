-- Which of these pages an article stands on now (its current raw page).
SELECT raw_page_id FROM articles WHERE raw_page_id = ANY(%(ids)s);
