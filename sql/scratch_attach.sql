-- the run's scratch database (in memory) for every connection of the database
ATTACH IF NOT EXISTS ':memory:' AS {{q .}};
