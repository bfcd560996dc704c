CREATE USER catalog WITH PASSWORD 'catalog';
CREATE DATABASE catalog OWNER catalog;
CREATE USER accounts WITH PASSWORD 'accounts';
CREATE DATABASE accounts OWNER accounts;
