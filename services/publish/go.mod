module github.com/bakenhub/baken/services/publish

go 1.26.8

require github.com/gorilla/feeds v1.2.0 // indirect
