CREATE TABLE "Customer" ("Id" serial PRIMARY KEY, "FirstName" text NOT NULL, "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE "Order" ("Id" serial PRIMARY KEY, "CustomerId" integer NOT NULL REFERENCES "Customer"("Id") ON DELETE RESTRICT ON UPDATE CASCADE, "Total" decimal(65,30) NOT NULL);
CREATE INDEX "Order_CustomerId_idx" ON "Order"("CustomerId");
