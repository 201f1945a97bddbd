module github.com/bakenhub/baken/services/classify

go 1.26.8
