DROP TABLE sten_counts;
DROP TABLE funnel_months;
DROP TABLE usage_days;
