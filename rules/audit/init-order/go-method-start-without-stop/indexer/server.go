package main

import (
	"log"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Server struct{ addr string }

func (s *Server) Run() error {
	tracer.Start(tracer.WithService("indexer")) // expect: init-order
	return http.ListenAndServe(s.addr, nil)
}

func main() {
	log.Fatal((&Server{addr: ":9090"}).Run())
}
