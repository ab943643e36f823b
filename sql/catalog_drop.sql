DELETE FROM catalog WHERE dataset = $1
