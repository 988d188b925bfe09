DROP VIEW IF EXISTS v_second_opinion_daily;
DROP TABLE IF EXISTS second_opinions;
