DROP SEQUENCE "User_id_seq";
