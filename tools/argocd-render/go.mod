module tracker/tools/argocd-render

go 1.24
