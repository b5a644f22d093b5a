input 16 name=a
input 8 name=b
add dense 8 relu from=a name=left
add dense 8 tanh from=b name=right
add add from=left,right name=total
add concatenate from=left,right,total name=both
add dense 6 relu from=both name=hidden
add dot 1 from=left,right normalize=True name=sim
add dense 2 softmax from=hidden name=out
