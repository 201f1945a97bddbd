module github.com/bakenhub/baken/services/publish

go 1.26.8

require (
	github.com/gorilla/feeds v1.2.0
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

require github.com/bakenhub/baken/pkg v0.0.0

require (
	github.com/mmcdole/gofeed v1.4.2 // indirect
	github.com/mmcdole/goxpp/v2 v2.0.0 // indirect
)

replace github.com/bakenhub/baken/pkg => ../../pkg
