module
require (
require gopkg.in/DataDog/dd-trace-go.v1
	replace => 
)
)
// indirect
go
toolchain
