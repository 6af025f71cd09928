import os,sys
def greet( name,greeting = 'Hello' ):
  message=greeting+', '+name+'!'
  if len( message )>40 : print( 'long greeting' )
  return {'message':message,'length':len(message),'args':sys.argv[1:],'cwd':os.getcwd()}
class  Point :
    def __init__(self,x,y): self.x=x;self.y=y
    def norm(self): return (self.x**2+self.y**2)**0.5
