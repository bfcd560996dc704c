<?php

function quote($cart)
{
    $span = \DDTrace\start_span();
    $span->name = 'pricing.quote';
    $span->resource = 'quote'; // expect: span-metadata
    $span->meta['pricing.currency'] = $cart->currency; // expect: span-metadata
    \DDTrace\close_span();
}
