DROP TABLE supp_in
