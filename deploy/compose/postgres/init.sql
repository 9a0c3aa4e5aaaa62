-- Run once by the postgres image when a data volume is new (/docker-entrypoint-initdb.d), in both
-- postgres-a and postgres-b: shop's one table and the role the application writes with. hana-sync
-- replicates the table and fences the role (revokes its writes) where the database is not primary.
-- The role has no login here: try it as the superuser with SET ROLE shop_app.
CREATE ROLE shop_app NOLOGIN;
CREATE TABLE public.orders (
    id        bigint PRIMARY KEY,
    item      text NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.orders TO shop_app;
