module github.com/voipsign/voipsign/bindings/go

go 1.22
