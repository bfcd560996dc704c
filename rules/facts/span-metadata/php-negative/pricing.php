<?php

function quote($cart, $op)
{
    $span = \DDTrace\start_span();
    $span->resource = "pricing.$op";
    $span->meta["pricing.$op"] = 1;
    $user->resource = 'not a span';
    $order->meta['not.a.span'] = 1;
}
