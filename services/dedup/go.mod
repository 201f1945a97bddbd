module github.com/bakenhub/baken/services/dedup

go 1.26.8
