input 10 dtype=int32 name=ids
add embedding 1000 64 embeddings_initializer=he_normal mask_zero=True
add flatten
add dense 32 kernel_constraint=max_norm(2) bias_constraint=non_neg trainable=False
add dense 1 sigmoid kernel_initializer=VarianceScaling(scale=2.0, mode='fan_out', distribution='uniform')
