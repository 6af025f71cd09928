package main
import "fmt"
func norm(x,y float64)float64{
return x*x+y*y
}
func main(){
fmt.Println(norm(3,4))
}
