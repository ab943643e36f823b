-- before a commit that checkpoints the tables it wrote (engine.CommitWithoutFSST)
SET disabled_compression_methods = 'fsst'
