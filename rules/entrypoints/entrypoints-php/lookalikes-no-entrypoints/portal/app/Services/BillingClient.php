<?php

namespace App\Services;

use Illuminate\Support\Facades\Http;
use Illuminate\Support\Facades\Route;

class BillingClient
{
    public function invoices(string $customer): array
    {
        return Http::get('/invoices', ['customer' => $customer])->json();
    }

    public function pay(string $invoice): bool
    {
        return Http::post('/invoices/' . $invoice . '/pay')->successful();
    }

    public function currentRoute(): ?string
    {
        return Route::currentRouteName() ?? (Route::has('home') ? 'home' : null);
    }
}
