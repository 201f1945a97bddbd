module github.com/bakenhub/baken/services/publish

go 1.26.8

require (
	github.com/gorilla/feeds v1.2.0
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

require github.com/bakenhub/baken/pkg v0.0.0

replace github.com/bakenhub/baken/pkg => ../../pkg
