ALTER DATABASE app SET work_mem = '64MB';
