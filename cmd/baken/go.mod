module github.com/bakenhub/baken/cmd/baken

go 1.26.8
