DROP {{if .View}}VIEW{{else}}TABLE{{end}} {{q .Name}};
