interface Point {x:number;y:number}
export function norm(p:Point):number{return Math.sqrt(p.x*p.x+p.y*p.y)}
const points:Point[]=[{x:1,y:2},{x:3,y:4}]
console.log(points.map(p=>norm(p)))
