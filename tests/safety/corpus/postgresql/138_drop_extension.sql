DROP EXTENSION "uuid-ossp";
